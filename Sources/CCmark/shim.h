#ifndef OSILAB_CCMARK_SHIM_H
#define OSILAB_CCMARK_SHIM_H
// cmark-gfm: CommonMark plus GitHub's extensions (the lessons use its pipe tables).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#endif
