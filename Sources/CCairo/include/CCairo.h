#ifndef PRUNELAB_CCAIRO_H
#define PRUNELAB_CCAIRO_H

// cairo, loaded on first use: prunelab links no cairo library, so start-up maps neither cairo nor
// fontconfig, freetype and X libraries; the first figure dlopens libcairo.so.2 (libcairo2, from
// libcairo2-dev in scripts/setup). Swift calls plc_<cairo function>, same arguments and results.
// cairo.h supplies only the types here.
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>

/// Loads libcairo.so.2 and every function below (once; thread-safe). Returns 1 when cairo is
/// usable, 0 otherwise (then prunelab_cairo_error() says why).
int prunelab_cairo_load(void);
const char *prunelab_cairo_error(void);

void plc_cairo_arc(cairo_t *cr, double xc, double yc, double radius, double angle1, double angle2);
void plc_cairo_clip(cairo_t *cr);
void plc_cairo_close_path(cairo_t *cr);
cairo_t *plc_cairo_create(cairo_surface_t *target);
void plc_cairo_destroy(cairo_t *cr);
void plc_cairo_fill(cairo_t *cr);
cairo_font_options_t *plc_cairo_font_options_create(void);
void plc_cairo_font_options_destroy(cairo_font_options_t *options);
void plc_cairo_font_options_set_hint_metrics(cairo_font_options_t *options, cairo_hint_metrics_t hint_metrics);
void plc_cairo_font_options_set_hint_style(cairo_font_options_t *options, cairo_hint_style_t hint_style);
cairo_surface_t *plc_cairo_image_surface_create(cairo_format_t format, int width, int height);
cairo_surface_t *plc_cairo_image_surface_create_from_png_stream(cairo_read_func_t read_func, void *closure);
unsigned char *plc_cairo_image_surface_get_data(cairo_surface_t *surface);
int plc_cairo_image_surface_get_height(cairo_surface_t *surface);
int plc_cairo_image_surface_get_stride(cairo_surface_t *surface);
int plc_cairo_image_surface_get_width(cairo_surface_t *surface);
void plc_cairo_line_to(cairo_t *cr, double x, double y);
void plc_cairo_move_to(cairo_t *cr, double x, double y);
void plc_cairo_new_sub_path(cairo_t *cr);
cairo_surface_t *plc_cairo_pdf_surface_create_for_stream(cairo_write_func_t write_func, void *closure, double width_in_points, double height_in_points);
void plc_cairo_pdf_surface_set_metadata(cairo_surface_t *surface, cairo_pdf_metadata_t metadata, const char *utf8);
void plc_cairo_rectangle(cairo_t *cr, double x, double y, double width, double height);
void plc_cairo_restore(cairo_t *cr);
void plc_cairo_rotate(cairo_t *cr, double angle);
void plc_cairo_save(cairo_t *cr);
void plc_cairo_scale(cairo_t *cr, double sx, double sy);
void plc_cairo_select_font_face(cairo_t *cr, const char *family, cairo_font_slant_t slant, cairo_font_weight_t weight);
void plc_cairo_set_antialias(cairo_t *cr, cairo_antialias_t antialias);
void plc_cairo_set_dash(cairo_t *cr, const double *dashes, int num_dashes, double offset);
void plc_cairo_set_font_options(cairo_t *cr, const cairo_font_options_t *options);
void plc_cairo_set_font_size(cairo_t *cr, double size);
void plc_cairo_set_line_cap(cairo_t *cr, cairo_line_cap_t line_cap);
void plc_cairo_set_line_join(cairo_t *cr, cairo_line_join_t line_join);
void plc_cairo_set_line_width(cairo_t *cr, double width);
void plc_cairo_set_source_rgba(cairo_t *cr, double red, double green, double blue, double alpha);
void plc_cairo_show_text(cairo_t *cr, const char *utf8);
cairo_status_t plc_cairo_status(cairo_t *cr);
const char *plc_cairo_status_to_string(cairo_status_t status);
void plc_cairo_stroke(cairo_t *cr);
void plc_cairo_surface_destroy(cairo_surface_t *surface);
void plc_cairo_surface_finish(cairo_surface_t *surface);
void plc_cairo_surface_flush(cairo_surface_t *surface);
cairo_status_t plc_cairo_surface_status(cairo_surface_t *surface);
cairo_status_t plc_cairo_surface_write_to_png_stream(cairo_surface_t *surface, cairo_write_func_t write_func, void *closure);
void plc_cairo_text_extents(cairo_t *cr, const char *utf8, cairo_text_extents_t *extents);
void plc_cairo_translate(cairo_t *cr, double tx, double ty);

#endif
