#ifndef M2GRL_CZLIB_SHIM_H
#define M2GRL_CZLIB_SHIM_H
#include <zlib.h>
#endif
