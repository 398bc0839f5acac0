/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-density.c — many data points as one coverage mask. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-plot-density.h"

/* Samples per mask pixel's side when a dot's coverage is computed. */
#define SUPERSAMPLE 8

/* A mask never grows past this many pixels a side (a poster-sized PDF
 * gets a coarser one rather than a huge one). */
#define MAX_MASK_SIDE 4096

/* What a mask depends on: two equal keys give the same mask. */
typedef struct
{
  const float *xs, *ys;
  int y_stride; /* point i is (xs[i], ys[i * y_stride]) */
  int n;
  NnbPlotScale x_scale, y_scale;
  cairo_rectangle_t area;
  double matrix[6]; /* user to device: x' = m0 x + m2 y + m4, y' = m1 x + m3 y + m5 */
  double radius;
  double resolution; /* mask pixels per device unit */
} MaskKey;

/* One set of points' mask. */
typedef struct
{
  MaskKey key;
  cairo_surface_t *mask; /* A8, or NULL: the slot is free */
  int mask_x, mask_y;    /* its top-left corner, in mask pixels of device space */
  gint32 *owners;        /* for each mask pixel, a point in it, or -1 */
} Mask;

struct _NnbPlotDensity
{
  /* the points' extent */
  gboolean has_extent;
  const float *extent_xs, *extent_ys;
  int extent_columns, extent_n;
  double x_min, x_max, y_min, y_max;

  /* the masks, one per set of points (a plot's outputs), and the slot a
   * new set takes when none is free */
  Mask masks[NNB_PLOT_DENSITY_MASKS];
  guint next;
};

static guint n_binnings;

NnbPlotDensity *
nnb_plot_density_new (void)
{
  return g_new0 (NnbPlotDensity, 1);
}

void
nnb_plot_density_reset (NnbPlotDensity *self)
{
  g_return_if_fail (self != NULL);

  self->has_extent = FALSE;
  for (guint i = 0; i < NNB_PLOT_DENSITY_MASKS; i++)
    {
      g_clear_pointer (&self->masks[i].mask, cairo_surface_destroy);
      g_clear_pointer (&self->masks[i].owners, g_free);
      memset (&self->masks[i].key, 0, sizeof self->masks[i].key);
    }
  self->next = 0;
}

void
nnb_plot_density_free (NnbPlotDensity *self)
{
  if (self == NULL)
    return;
  nnb_plot_density_reset (self);
  g_free (self);
}

guint
nnb_plot_density_get_n_binnings (void)
{
  return n_binnings;
}

/* The extent */

void
nnb_plot_density_extend (NnbPlotDensity *self,
                         const float *xs,
                         const float *ys,
                         int n_columns,
                         int n,
                         NnbPlotScale *x,
                         NnbPlotScale *y)
{
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  gsize n_ys = (gsize) n * MAX (n_columns, 1);

  if (self != NULL && self->has_extent && self->extent_xs == xs && self->extent_ys == ys && self->extent_columns == n_columns && self->extent_n == n)
    {
      x_min = self->x_min, x_max = self->x_max, y_min = self->y_min, y_max = self->y_max;
    }
  else
    {
      for (int i = 0; i < n; i++)
        if (isfinite (xs[i]))
          {
            x_min = MIN (x_min, xs[i]);
            x_max = MAX (x_max, xs[i]);
          }
      for (gsize i = 0; i < n_ys; i++)
        if (isfinite (ys[i]))
          {
            y_min = MIN (y_min, ys[i]);
            y_max = MAX (y_max, ys[i]);
          }
      if (self != NULL)
        {
          self->has_extent = TRUE;
          self->extent_xs = xs, self->extent_ys = ys, self->extent_columns = n_columns, self->extent_n = n;
          self->x_min = x_min, self->x_max = x_max, self->y_min = y_min, self->y_max = y_max;
        }
    }
  x->min = MIN (x->min, x_min);
  x->max = MAX (x->max, x_max);
  y->min = MIN (y->min, y_min);
  y->max = MAX (y->max, y_max);
}

/* The mask */

static gboolean
scale_equal (const NnbPlotScale *a, const NnbPlotScale *b)
{
  return a->min == b->min && a->max == b->max && !a->log == !b->log;
}

static gboolean
key_equal (const MaskKey *a, const MaskKey *b)
{
  for (int i = 0; i < 6; i++)
    if (a->matrix[i] != b->matrix[i])
      return FALSE;
  return a->xs == b->xs && a->ys == b->ys && a->y_stride == b->y_stride && a->n == b->n && scale_equal (&a->x_scale, &b->x_scale) && scale_equal (&a->y_scale, &b->y_scale) && a->area.x == b->area.x && a->area.y == b->area.y && a->area.width == b->area.width && a->area.height == b->area.height && a->radius == b->radius && a->resolution == b->resolution;
}

/* A point's place inside its mask pixel, to a quarter pixel: one of four
 * phases. kernels[bits] is the coverage (0–255) around the pixel of the
 * union of the dots of the phases set in bits, (2 reach + 1)² values. */
static guint8 *
make_kernels (double r, int reach)
{
  int side = 2 * reach + 1, size = side * side;
  guint8 *kernels = g_malloc0 ((gsize) 16 * size);

  for (int phase = 0; phase < 4; phase++)
    {
      double cx = (phase & 1) ? 0.75 : 0.25, cy = (phase & 2) ? 0.75 : 0.25;
      guint8 *kernel = kernels + (gsize) (1 << phase) * size;

      for (int dy = -reach; dy <= reach; dy++)
        for (int dx = -reach; dx <= reach; dx++)
          {
            int inside = 0;

            for (int sy = 0; sy < SUPERSAMPLE; sy++)
              for (int sx = 0; sx < SUPERSAMPLE; sx++)
                {
                  double px = dx + (sx + 0.5) / SUPERSAMPLE - cx, py = dy + (sy + 0.5) / SUPERSAMPLE - cy;

                  inside += px * px + py * py <= r * r;
                }
            kernel[(dy + reach) * side + dx + reach] = (guint8) ((inside * 255 + SUPERSAMPLE * SUPERSAMPLE / 2) / (SUPERSAMPLE * SUPERSAMPLE));
          }
    }
  for (int bits = 1; bits < 16; bits++)
    {
      guint8 *kernel = kernels + (gsize) bits * size;

      if ((bits & (bits - 1)) == 0)
        continue; /* a single phase, made above */
      for (int phase = 0; phase < 4; phase++)
        if (bits & (1 << phase))
          for (int i = 0; i < size; i++)
            kernel[i] = MAX (kernel[i], kernels[(gsize) (1 << phase) * size + i]);
    }
  return kernels;
}

/* Bins every point into the mask pixel it falls in (with its phase), then
 * stamps each occupied pixel's dots: the cost is one pass over the points
 * and at most one stamp per pixel, however many points share it. *owners
 * (owners may be NULL) receives a point of each pixel, for the read-out. */
static cairo_surface_t *
make_mask (const MaskKey *k, int *mask_x, int *mask_y, gint32 **owners)
{
  const double *m = k->matrix;
  double res = k->resolution;
  double r = k->radius * sqrt (fabs (m[0] * m[3] - m[1] * m[2])) * res;
  int reach = (int) ceil (r + 0.5);
  double corners[4][2] = { { k->area.x, k->area.y },
                           { k->area.x + k->area.width, k->area.y },
                           { k->area.x, k->area.y + k->area.height },
                           { k->area.x + k->area.width, k->area.y + k->area.height } };
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  int ox, oy, w, h, side, stride;
  g_autofree guint8 *bins = NULL;
  g_autofree guint8 *kernels = NULL;
  cairo_surface_t *mask;
  guint8 *data;

  n_binnings++;
  for (int i = 0; i < 4; i++)
    {
      double dx = (m[0] * corners[i][0] + m[2] * corners[i][1] + m[4]) * res;
      double dy = (m[1] * corners[i][0] + m[3] * corners[i][1] + m[5]) * res;

      x0 = MIN (x0, dx), x1 = MAX (x1, dx), y0 = MIN (y0, dy), y1 = MAX (y1, dy);
    }
  /* a dot just outside the area still shows its edge inside it */
  ox = (int) floor (x0) - reach;
  oy = (int) floor (y0) - reach;
  w = (int) ceil (x1) + reach - ox;
  h = (int) ceil (y1) + reach - oy;
  *mask_x = ox;
  *mask_y = oy;
  mask = cairo_image_surface_create (CAIRO_FORMAT_A8, MAX (w, 1), MAX (h, 1));
  if (cairo_surface_status (mask) != CAIRO_STATUS_SUCCESS || w <= 0 || h <= 0)
    return mask;

  bins = g_malloc0 ((gsize) w * h);
  if (owners != NULL)
    {
      *owners = g_new (gint32, (gsize) w * h);
      memset (*owners, 0xff, sizeof (gint32) * w * h); /* -1 */
    }
  for (int i = 0; i < k->n; i++)
    {
      double ux = nnb_plot_scale_map (&k->x_scale, k->xs[i], k->area.x, k->area.x + k->area.width);
      double uy = nnb_plot_scale_map (&k->y_scale, k->ys[(gsize) i * k->y_stride], k->area.y + k->area.height, k->area.y);
      double px = (m[0] * ux + m[2] * uy + m[4]) * res - ox;
      double py = (m[1] * ux + m[3] * uy + m[5]) * res - oy;
      int ix, iy;

      if (!(px >= 0 && px < w && py >= 0 && py < h)) /* also NaN */
        continue;
      ix = (int) px;
      iy = (int) py;
      bins[(gsize) iy * w + ix] |= 1 << ((px - ix >= 0.5) | (py - iy >= 0.5) << 1);
      if (owners != NULL)
        (*owners)[(gsize) iy * w + ix] = i;
    }

  kernels = make_kernels (r, reach);
  side = 2 * reach + 1;
  data = cairo_image_surface_get_data (mask);
  stride = cairo_image_surface_get_stride (mask);
  cairo_surface_flush (mask);
  for (int iy = 0; iy < h; iy++)
    for (int ix = 0; ix < w; ix++)
      {
        guint8 bits = bins[(gsize) iy * w + ix];
        const guint8 *kernel;

        if (bits == 0)
          continue;
        kernel = kernels + (gsize) bits * side * side;
        for (int dy = MAX (-reach, -iy); dy <= MIN (reach, h - 1 - iy); dy++)
          {
            guint8 *row = data + (gsize) (iy + dy) * stride + ix;
            const guint8 *krow = kernel + (dy + reach) * side + reach;

            for (int dx = MAX (-reach, -ix); dx <= MIN (reach, w - 1 - ix); dx++)
              row[dx] = MAX (row[dx], krow[dx]);
          }
      }
  cairo_surface_mark_dirty (mask);
  return mask;
}

/* The slot that keeps (or will keep) the mask of these points. */
static Mask *
mask_for (NnbPlotDensity *self, const float *xs, const float *ys, int y_stride, int n)
{
  for (guint i = 0; i < NNB_PLOT_DENSITY_MASKS; i++)
    {
      const MaskKey *k = &self->masks[i].key;

      if (self->masks[i].mask != NULL && k->xs == xs && k->ys == ys && k->y_stride == y_stride && k->n == n)
        return &self->masks[i];
    }
  return NULL;
}

void
nnb_plot_density_draw (NnbPlotDensity *self,
                       cairo_t *cr,
                       const cairo_rectangle_t *area,
                       const NnbPlotScale *x_scale,
                       const NnbPlotScale *y_scale,
                       const float *xs,
                       const float *ys,
                       int y_stride,
                       int n,
                       double radius)
{
  MaskKey key = { xs, ys, MAX (y_stride, 1), n, *x_scale, *y_scale, *area, { 0 }, radius, 1 };
  double ox = 0, oy = 0, ax = 1, ay = 0, bx = 0, by = 1, side, ux, uy, sx, sy;
  cairo_surface_t *mask;
  Mask *kept = NULL;
  int mask_x, mask_y;

  g_return_if_fail (cr != NULL && area != NULL && x_scale != NULL && y_scale != NULL);

  if (n <= 0 || area->width <= 0 || area->height <= 0)
    return;

  cairo_user_to_device (cr, &ox, &oy);
  cairo_user_to_device (cr, &ax, &ay);
  cairo_user_to_device (cr, &bx, &by);
  key.matrix[0] = ax - ox, key.matrix[1] = ay - oy;
  key.matrix[2] = bx - ox, key.matrix[3] = by - oy;
  key.matrix[4] = ox, key.matrix[5] = oy;
  /* An image's device pixels are the mask's; a file's units (points) or a
   * recording's (which GTK replays at the screen's scale) get two. */
  if (cairo_surface_get_type (cairo_get_target (cr)) != CAIRO_SURFACE_TYPE_IMAGE)
    key.resolution = 2;
  side = MAX (fabs (key.matrix[0]) * area->width + fabs (key.matrix[2]) * area->height,
              fabs (key.matrix[1]) * area->width + fabs (key.matrix[3]) * area->height);
  if (side * key.resolution > MAX_MASK_SIDE)
    key.resolution = MAX_MASK_SIDE / side;

  if (self != NULL)
    kept = mask_for (self, xs, ys, key.y_stride, n);
  if (kept != NULL && key_equal (&key, &kept->key))
    {
      mask = cairo_surface_reference (kept->mask);
      mask_x = kept->mask_x, mask_y = kept->mask_y;
    }
  else
    {
      g_autofree gint32 *owners = NULL;

      mask = make_mask (&key, &mask_x, &mask_y, self != NULL ? &owners : NULL);
      if (self != NULL)
        {
          /* the same points on other axes replace their own mask; new
           * points take a free slot, or the one kept longest */
          if (kept == NULL)
            {
              kept = &self->masks[self->next];
              self->next = (self->next + 1) % NNB_PLOT_DENSITY_MASKS;
            }
          g_clear_pointer (&kept->mask, cairo_surface_destroy);
          g_free (kept->owners);
          kept->owners = g_steal_pointer (&owners);
          kept->mask = cairo_surface_reference (mask);
          kept->mask_x = mask_x, kept->mask_y = mask_y;
          kept->key = key;
        }
    }

  /* Paint the mask with its pixels on the device's: from device space
   * (one unit a mask pixel) back to user space. */
  cairo_save (cr);
  cairo_identity_matrix (cr);
  ux = mask_x / key.resolution, uy = mask_y / key.resolution;
  cairo_device_to_user (cr, &ux, &uy);
  sx = 1 / key.resolution, sy = 1 / key.resolution;
  cairo_device_to_user_distance (cr, &sx, &sy);
  cairo_translate (cr, ux, uy);
  cairo_scale (cr, sx, sy);
  cairo_mask_surface (cr, mask, 0, 0);
  cairo_restore (cr);
  cairo_surface_destroy (mask);
}

gboolean
nnb_plot_density_find_nearest (NnbPlotDensity *self,
                               const cairo_rectangle_t *area,
                               const NnbPlotScale *x_scale,
                               const NnbPlotScale *y_scale,
                               const float *xs,
                               const float *ys,
                               int y_stride,
                               int n,
                               double x,
                               double y,
                               double reach,
                               int *index)
{
  const Mask *kept;
  const MaskKey *k;
  const double *m;
  double px, py, r, best = reach;
  int w, h, x0, x1, y0, y1;

  g_return_val_if_fail (area != NULL && x_scale != NULL && y_scale != NULL && index != NULL, FALSE);

  y_stride = MAX (y_stride, 1);
  if (self == NULL || (kept = mask_for (self, xs, ys, y_stride, n)) == NULL || kept->owners == NULL)
    return FALSE;
  k = &kept->key;
  if (!scale_equal (&k->x_scale, x_scale) || !scale_equal (&k->y_scale, y_scale) || k->area.x != area->x || k->area.y != area->y || k->area.width != area->width || k->area.height != area->height)
    return FALSE;

  /* the pointer in mask pixels, and the reach's square around it */
  m = k->matrix;
  w = cairo_image_surface_get_width (kept->mask);
  h = cairo_image_surface_get_height (kept->mask);
  px = (m[0] * x + m[2] * y + m[4]) * k->resolution - kept->mask_x;
  py = (m[1] * x + m[3] * y + m[5]) * k->resolution - kept->mask_y;
  r = reach * sqrt (fabs (m[0] * m[3] - m[1] * m[2])) * k->resolution + 1;
  x0 = (int) MAX (0, floor (px - r)), x1 = (int) MIN (w - 1, ceil (px + r));
  y0 = (int) MAX (0, floor (py - r)), y1 = (int) MIN (h - 1, ceil (py + r));

  *index = -1;
  for (int iy = y0; iy <= y1; iy++)
    for (int ix = x0; ix <= x1; ix++)
      {
        gint32 i = kept->owners[(gsize) iy * w + ix];
        double d;

        if (i < 0)
          continue;
        d = hypot (nnb_plot_scale_map (x_scale, xs[i], area->x, area->x + area->width) - x,
                   nnb_plot_scale_map (y_scale, ys[(gsize) i * y_stride], area->y + area->height, area->y) - y);
        if (d < best)
          {
            best = d;
            *index = i;
          }
      }
  return TRUE;
}
