// SPDX-License-Identifier: MIT
/* process family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
