// Header-only shim: see include/CBenchPoll.h.
#include "CBenchPoll.h"
