#ifndef TRELLIS_CCMARKGFM_SHIM_H
#define TRELLIS_CCMARKGFM_SHIM_H
// cmark-gfm's core API plus the GFM extensions (tables, strikethrough,
// autolink, tagfilter, tasklist). Footnotes are a parser option.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#endif
