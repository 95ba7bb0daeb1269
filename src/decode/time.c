// SPDX-License-Identifier: MIT
/* time family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
