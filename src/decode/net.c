// SPDX-License-Identifier: MIT
/* net family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
