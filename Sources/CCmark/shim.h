#ifndef OSILAB_CCMARK_SHIM_H
#define OSILAB_CCMARK_SHIM_H
#include <cmark.h>
#endif
