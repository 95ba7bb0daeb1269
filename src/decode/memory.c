// SPDX-License-Identifier: MIT
/* memory family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
