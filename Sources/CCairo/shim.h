#ifndef PRUNELAB_CCAIRO_SHIM_H
#define PRUNELAB_CCAIRO_SHIM_H
// cairo (libcairo2-dev): image (PNG) and PDF surfaces and the toy text API, which finds
// DejaVu Sans through fontconfig. The SVG output is prunelab's own writer (real <text>).
#include <cairo.h>
#include <cairo-pdf.h>
#endif
