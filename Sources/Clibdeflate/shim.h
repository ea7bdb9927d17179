#ifndef LUOSHI_CLIBDEFLATE_SHIM_H
#define LUOSHI_CLIBDEFLATE_SHIM_H

#include <libdeflate.h>

#endif
