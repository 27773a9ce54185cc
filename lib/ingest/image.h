/*
 * Preparing a scanned page for recognition (leptonica): dark scanner borders removed,
 * background normalized, orientation (0/90/180/270) and skew detected and corrected, then
 * binarized and despeckled. What was measured is returned with its confidence so that it can
 * be stored beside the page.
 */
#ifndef SO_IMAGE_H
#define SO_IMAGE_H

#include <leptonica/allheaders.h>
#include <stddef.h>

#define SO_MIN_DPI 150

struct so_prep {
	int orientation;         /* degrees clockwise the page had been turned (now corrected) */
	double orientation_conf; /* |up/down signal| of the decisive test; under ~2 is a guess */
	double skew;             /* degrees, positive = content turned clockwise (now corrected);
				  * 0 when the confidence was too low to turn the page for */
	double skew_conf;        /* leptonica's skew confidence; 0 when none could be measured */
	double border;           /* share of the page removed as dark scanner border */
	double ink;              /* share of dark pixels on the prepared page, margins excluded */
	int blank;               /* no content worth reading */
};

/* Quiets leptonica's own messages (we check every result); call once per process. */
void so_image_init(void);

/* Prepares an 8-bit grey page (its resolution set; a page whose horizontal and vertical
 * resolutions differ is first resampled to square pixels at 300 dpi). Returns the 1-bit prepared page (caller
 * destroys) and fills *res; NULL with the error set. */
PIX *so_page_prepare(PIX *gray, struct so_prep *res);

/* Encodes a 1-bit page losslessly (TIFF G4) into *data (caller frees). 0 or -1. */
int so_page_encode(PIX *page, unsigned char **data, size_t *size);

#endif
