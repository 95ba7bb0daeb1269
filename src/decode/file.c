// SPDX-License-Identifier: MIT
/* file family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
