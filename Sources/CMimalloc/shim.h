#ifndef TRELLIS_CMIMALLOC_SHIM_H
#define TRELLIS_CMIMALLOC_SHIM_H
// mimalloc, from Debian's libmimalloc-dev. Linking the shared library into the executable
// replaces malloc and free for the whole process (Swift's runtime and cmark-gfm included).
#include <mimalloc.h>
#endif
