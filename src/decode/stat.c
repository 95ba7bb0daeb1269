// SPDX-License-Identifier: MIT
/* stat family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"
