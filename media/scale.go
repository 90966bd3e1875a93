package media

import (
	"image"

	"golang.org/x/image/draw"
)

// scale resamples src into all of dst. Catmull-Rom keeps text and edges in
// a heavily reduced photo legible, where bilinear would alias.
func scale(dst *image.RGBA, src image.Image) {
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
}
