#ifndef M2GRL_CLIBUV_SHIM_H
#define M2GRL_CLIBUV_SHIM_H
#include <uv.h>
#endif
