// SPDX-License-Identifier: MIT
/* misc family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
