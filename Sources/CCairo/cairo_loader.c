// See include/CCairo.h: cairo resolved with dlopen/dlsym on first use.
#include "CCairo.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

enum {
    PLC_cairo_arc = 0,
    PLC_cairo_clip = 1,
    PLC_cairo_close_path = 2,
    PLC_cairo_create = 3,
    PLC_cairo_destroy = 4,
    PLC_cairo_fill = 5,
    PLC_cairo_font_options_create = 6,
    PLC_cairo_font_options_destroy = 7,
    PLC_cairo_font_options_set_hint_metrics = 8,
    PLC_cairo_font_options_set_hint_style = 9,
    PLC_cairo_image_surface_create = 10,
    PLC_cairo_image_surface_create_from_png_stream = 11,
    PLC_cairo_image_surface_get_data = 12,
    PLC_cairo_image_surface_get_height = 13,
    PLC_cairo_image_surface_get_stride = 14,
    PLC_cairo_image_surface_get_width = 15,
    PLC_cairo_line_to = 16,
    PLC_cairo_move_to = 17,
    PLC_cairo_new_sub_path = 18,
    PLC_cairo_pdf_surface_create_for_stream = 19,
    PLC_cairo_pdf_surface_set_metadata = 20,
    PLC_cairo_rectangle = 21,
    PLC_cairo_restore = 22,
    PLC_cairo_rotate = 23,
    PLC_cairo_save = 24,
    PLC_cairo_scale = 25,
    PLC_cairo_select_font_face = 26,
    PLC_cairo_set_antialias = 27,
    PLC_cairo_set_dash = 28,
    PLC_cairo_set_font_options = 29,
    PLC_cairo_set_font_size = 30,
    PLC_cairo_set_line_cap = 31,
    PLC_cairo_set_line_join = 32,
    PLC_cairo_set_line_width = 33,
    PLC_cairo_set_source_rgba = 34,
    PLC_cairo_show_text = 35,
    PLC_cairo_status = 36,
    PLC_cairo_status_to_string = 37,
    PLC_cairo_stroke = 38,
    PLC_cairo_surface_destroy = 39,
    PLC_cairo_surface_finish = 40,
    PLC_cairo_surface_flush = 41,
    PLC_cairo_surface_status = 42,
    PLC_cairo_surface_write_to_png_stream = 43,
    PLC_cairo_text_extents = 44,
    PLC_cairo_translate = 45,
    PLC_COUNT
};

static const char *const names[PLC_COUNT] = {
    "cairo_arc",
    "cairo_clip",
    "cairo_close_path",
    "cairo_create",
    "cairo_destroy",
    "cairo_fill",
    "cairo_font_options_create",
    "cairo_font_options_destroy",
    "cairo_font_options_set_hint_metrics",
    "cairo_font_options_set_hint_style",
    "cairo_image_surface_create",
    "cairo_image_surface_create_from_png_stream",
    "cairo_image_surface_get_data",
    "cairo_image_surface_get_height",
    "cairo_image_surface_get_stride",
    "cairo_image_surface_get_width",
    "cairo_line_to",
    "cairo_move_to",
    "cairo_new_sub_path",
    "cairo_pdf_surface_create_for_stream",
    "cairo_pdf_surface_set_metadata",
    "cairo_rectangle",
    "cairo_restore",
    "cairo_rotate",
    "cairo_save",
    "cairo_scale",
    "cairo_select_font_face",
    "cairo_set_antialias",
    "cairo_set_dash",
    "cairo_set_font_options",
    "cairo_set_font_size",
    "cairo_set_line_cap",
    "cairo_set_line_join",
    "cairo_set_line_width",
    "cairo_set_source_rgba",
    "cairo_show_text",
    "cairo_status",
    "cairo_status_to_string",
    "cairo_stroke",
    "cairo_surface_destroy",
    "cairo_surface_finish",
    "cairo_surface_flush",
    "cairo_surface_status",
    "cairo_surface_write_to_png_stream",
    "cairo_text_extents",
    "cairo_translate",
};

static void *functions[PLC_COUNT];
static int loaded;
static char message[256] = "cairo is not loaded";
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(message, sizeof message, "cannot load cairo (libcairo.so.2; scripts/setup installs libcairo2-dev): %s", dlerror());
        return;
    }
    for (int i = 0; i < PLC_COUNT; i++) {
        functions[i] = dlsym(library, names[i]);
        if (!functions[i]) {
            snprintf(message, sizeof message, "cairo (libcairo.so.2) lacks %s: cairo 1.16 or later is needed", names[i]);
            return;
        }
    }
    loaded = 1;
}

int prunelab_cairo_load(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *prunelab_cairo_error(void) {
    prunelab_cairo_load();
    return loaded ? "" : message;
}

void plc_cairo_arc(cairo_t *cr, double xc, double yc, double radius, double angle1, double angle2) { ((void (*)(cairo_t *cr, double xc, double yc, double radius, double angle1, double angle2))functions[PLC_cairo_arc])(cr, xc, yc, radius, angle1, angle2); }
void plc_cairo_clip(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_clip])(cr); }
void plc_cairo_close_path(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_close_path])(cr); }
cairo_t * plc_cairo_create(cairo_surface_t *target) { return ((cairo_t * (*)(cairo_surface_t *target))functions[PLC_cairo_create])(target); }
void plc_cairo_destroy(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_destroy])(cr); }
void plc_cairo_fill(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_fill])(cr); }
cairo_font_options_t * plc_cairo_font_options_create(void) { return ((cairo_font_options_t * (*)(void))functions[PLC_cairo_font_options_create])(); }
void plc_cairo_font_options_destroy(cairo_font_options_t *options) { ((void (*)(cairo_font_options_t *options))functions[PLC_cairo_font_options_destroy])(options); }
void plc_cairo_font_options_set_hint_metrics(cairo_font_options_t *options, cairo_hint_metrics_t hint_metrics) { ((void (*)(cairo_font_options_t *options, cairo_hint_metrics_t hint_metrics))functions[PLC_cairo_font_options_set_hint_metrics])(options, hint_metrics); }
void plc_cairo_font_options_set_hint_style(cairo_font_options_t *options, cairo_hint_style_t hint_style) { ((void (*)(cairo_font_options_t *options, cairo_hint_style_t hint_style))functions[PLC_cairo_font_options_set_hint_style])(options, hint_style); }
cairo_surface_t * plc_cairo_image_surface_create(cairo_format_t format, int width, int height) { return ((cairo_surface_t * (*)(cairo_format_t format, int width, int height))functions[PLC_cairo_image_surface_create])(format, width, height); }
cairo_surface_t * plc_cairo_image_surface_create_from_png_stream(cairo_read_func_t read_func, void *closure) { return ((cairo_surface_t * (*)(cairo_read_func_t read_func, void *closure))functions[PLC_cairo_image_surface_create_from_png_stream])(read_func, closure); }
unsigned char * plc_cairo_image_surface_get_data(cairo_surface_t *surface) { return ((unsigned char * (*)(cairo_surface_t *surface))functions[PLC_cairo_image_surface_get_data])(surface); }
int plc_cairo_image_surface_get_height(cairo_surface_t *surface) { return ((int (*)(cairo_surface_t *surface))functions[PLC_cairo_image_surface_get_height])(surface); }
int plc_cairo_image_surface_get_stride(cairo_surface_t *surface) { return ((int (*)(cairo_surface_t *surface))functions[PLC_cairo_image_surface_get_stride])(surface); }
int plc_cairo_image_surface_get_width(cairo_surface_t *surface) { return ((int (*)(cairo_surface_t *surface))functions[PLC_cairo_image_surface_get_width])(surface); }
void plc_cairo_line_to(cairo_t *cr, double x, double y) { ((void (*)(cairo_t *cr, double x, double y))functions[PLC_cairo_line_to])(cr, x, y); }
void plc_cairo_move_to(cairo_t *cr, double x, double y) { ((void (*)(cairo_t *cr, double x, double y))functions[PLC_cairo_move_to])(cr, x, y); }
void plc_cairo_new_sub_path(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_new_sub_path])(cr); }
cairo_surface_t * plc_cairo_pdf_surface_create_for_stream(cairo_write_func_t write_func, void *closure, double width_in_points, double height_in_points) { return ((cairo_surface_t * (*)(cairo_write_func_t write_func, void *closure, double width_in_points, double height_in_points))functions[PLC_cairo_pdf_surface_create_for_stream])(write_func, closure, width_in_points, height_in_points); }
void plc_cairo_pdf_surface_set_metadata(cairo_surface_t *surface, cairo_pdf_metadata_t metadata, const char *utf8) { ((void (*)(cairo_surface_t *surface, cairo_pdf_metadata_t metadata, const char *utf8))functions[PLC_cairo_pdf_surface_set_metadata])(surface, metadata, utf8); }
void plc_cairo_rectangle(cairo_t *cr, double x, double y, double width, double height) { ((void (*)(cairo_t *cr, double x, double y, double width, double height))functions[PLC_cairo_rectangle])(cr, x, y, width, height); }
void plc_cairo_restore(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_restore])(cr); }
void plc_cairo_rotate(cairo_t *cr, double angle) { ((void (*)(cairo_t *cr, double angle))functions[PLC_cairo_rotate])(cr, angle); }
void plc_cairo_save(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_save])(cr); }
void plc_cairo_scale(cairo_t *cr, double sx, double sy) { ((void (*)(cairo_t *cr, double sx, double sy))functions[PLC_cairo_scale])(cr, sx, sy); }
void plc_cairo_select_font_face(cairo_t *cr, const char *family, cairo_font_slant_t slant, cairo_font_weight_t weight) { ((void (*)(cairo_t *cr, const char *family, cairo_font_slant_t slant, cairo_font_weight_t weight))functions[PLC_cairo_select_font_face])(cr, family, slant, weight); }
void plc_cairo_set_antialias(cairo_t *cr, cairo_antialias_t antialias) { ((void (*)(cairo_t *cr, cairo_antialias_t antialias))functions[PLC_cairo_set_antialias])(cr, antialias); }
void plc_cairo_set_dash(cairo_t *cr, const double *dashes, int num_dashes, double offset) { ((void (*)(cairo_t *cr, const double *dashes, int num_dashes, double offset))functions[PLC_cairo_set_dash])(cr, dashes, num_dashes, offset); }
void plc_cairo_set_font_options(cairo_t *cr, const cairo_font_options_t *options) { ((void (*)(cairo_t *cr, const cairo_font_options_t *options))functions[PLC_cairo_set_font_options])(cr, options); }
void plc_cairo_set_font_size(cairo_t *cr, double size) { ((void (*)(cairo_t *cr, double size))functions[PLC_cairo_set_font_size])(cr, size); }
void plc_cairo_set_line_cap(cairo_t *cr, cairo_line_cap_t line_cap) { ((void (*)(cairo_t *cr, cairo_line_cap_t line_cap))functions[PLC_cairo_set_line_cap])(cr, line_cap); }
void plc_cairo_set_line_join(cairo_t *cr, cairo_line_join_t line_join) { ((void (*)(cairo_t *cr, cairo_line_join_t line_join))functions[PLC_cairo_set_line_join])(cr, line_join); }
void plc_cairo_set_line_width(cairo_t *cr, double width) { ((void (*)(cairo_t *cr, double width))functions[PLC_cairo_set_line_width])(cr, width); }
void plc_cairo_set_source_rgba(cairo_t *cr, double red, double green, double blue, double alpha) { ((void (*)(cairo_t *cr, double red, double green, double blue, double alpha))functions[PLC_cairo_set_source_rgba])(cr, red, green, blue, alpha); }
void plc_cairo_show_text(cairo_t *cr, const char *utf8) { ((void (*)(cairo_t *cr, const char *utf8))functions[PLC_cairo_show_text])(cr, utf8); }
cairo_status_t plc_cairo_status(cairo_t *cr) { return ((cairo_status_t (*)(cairo_t *cr))functions[PLC_cairo_status])(cr); }
const char * plc_cairo_status_to_string(cairo_status_t status) { return ((const char * (*)(cairo_status_t status))functions[PLC_cairo_status_to_string])(status); }
void plc_cairo_stroke(cairo_t *cr) { ((void (*)(cairo_t *cr))functions[PLC_cairo_stroke])(cr); }
void plc_cairo_surface_destroy(cairo_surface_t *surface) { ((void (*)(cairo_surface_t *surface))functions[PLC_cairo_surface_destroy])(surface); }
void plc_cairo_surface_finish(cairo_surface_t *surface) { ((void (*)(cairo_surface_t *surface))functions[PLC_cairo_surface_finish])(surface); }
void plc_cairo_surface_flush(cairo_surface_t *surface) { ((void (*)(cairo_surface_t *surface))functions[PLC_cairo_surface_flush])(surface); }
cairo_status_t plc_cairo_surface_status(cairo_surface_t *surface) { return ((cairo_status_t (*)(cairo_surface_t *surface))functions[PLC_cairo_surface_status])(surface); }
cairo_status_t plc_cairo_surface_write_to_png_stream(cairo_surface_t *surface, cairo_write_func_t write_func, void *closure) { return ((cairo_status_t (*)(cairo_surface_t *surface, cairo_write_func_t write_func, void *closure))functions[PLC_cairo_surface_write_to_png_stream])(surface, write_func, closure); }
void plc_cairo_text_extents(cairo_t *cr, const char *utf8, cairo_text_extents_t *extents) { ((void (*)(cairo_t *cr, const char *utf8, cairo_text_extents_t *extents))functions[PLC_cairo_text_extents])(cr, utf8, extents); }
void plc_cairo_translate(cairo_t *cr, double tx, double ty) { ((void (*)(cairo_t *cr, double tx, double ty))functions[PLC_cairo_translate])(cr, tx, ty); }
