// SPDX-License-Identifier: MIT
/* desc family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
