"""Draw the app icons with Pillow: `python -m manifest.draw_icons [OUT_DIR]`.

The design: a house (local government, rebuilding) with a heart (help from Dutch municipalities).
- color.png, 192x192: a white house with a yellow heart on VNG blue.
- outline.png, 32x32: the same house as a white silhouette with the heart cut out, on a fully
  transparent background (Teams tints it; only white pixels, varying alpha at the edges).

Shapes are drawn at a multiple of the final size and scaled down, which smooths the edges.
The PNGs are committed; run this only to change the design. Pillow is in the `test` extra.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ICONS_DIR = Path(__file__).resolve().parent / "icons"

VNG_BLUE = (0x00, 0x4B, 0x87)  # also the manifest's accentColor
UKRAINE_YELLOW = (0xFF, 0xD5, 0x00)
WHITE = (0xFF, 0xFF, 0xFF)

COLOR_SIZE = 192
OUTLINE_SIZE = 32
SUPERSAMPLE = 8

Point = tuple[float, float]


def heart_polygon(center_x: float, center_y: float, width: float, steps: int = 240) -> list[Point]:
    """A smooth heart, point down, `width` wide, centred on (center_x, center_y)."""
    scale = width / 32.0  # the curve below is 32 units wide and about 29 high
    points: list[Point] = []
    for step in range(steps):
        t = 2.0 * math.pi * step / steps
        x = 16.0 * math.sin(t) ** 3
        y = 13.0 * math.cos(t) - 5.0 * math.cos(2 * t) - 2.0 * math.cos(3 * t) - math.cos(4 * t)
        # y grows upwards in the formula and downwards in images; 2.5 is the curve's vertical middle.
        points.append((center_x + x * scale, center_y - (y - 2.5) * scale))
    return points


def house_shapes(
    left: float, right: float, roof_top: float, eaves: float, bottom: float, overhang: float
) -> list[list[Point]]:
    """A house silhouette as two polygons: a gable roof wider than the walls, and the walls."""
    middle = (left + right) / 2.0
    roof = [(middle, roof_top), (right + overhang, eaves), (left - overhang, eaves)]
    walls = [(left, eaves - 1.0), (right, eaves - 1.0), (right, bottom), (left, bottom)]
    return [roof, walls]


def _scaled(points: list[Point], factor: float) -> list[Point]:
    return [(x * factor, y * factor) for x, y in points]


def draw_color_icon() -> Image.Image:
    """The 192x192 full-colour icon (RGB, no transparency)."""
    factor = SUPERSAMPLE
    size = COLOR_SIZE * factor
    image = Image.new("RGB", (size, size), VNG_BLUE)
    draw = ImageDraw.Draw(image)
    for shape in house_shapes(left=58, right=134, roof_top=36, eaves=92, bottom=154, overhang=18):
        draw.polygon(_scaled(shape, factor), fill=WHITE)
    draw.polygon(_scaled(heart_polygon(96, 124, 46), factor), fill=UKRAINE_YELLOW)
    return image.resize((COLOR_SIZE, COLOR_SIZE), Image.Resampling.LANCZOS)


def draw_outline_icon() -> Image.Image:
    """The 32x32 outline icon: white only, shape carried by the alpha channel."""
    factor = SUPERSAMPLE
    size = OUTLINE_SIZE * factor
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    for shape in house_shapes(left=7, right=25, roof_top=2, eaves=14.5, bottom=29.5, overhang=4.5):
        draw.polygon(_scaled(shape, factor), fill=255)
    draw.polygon(_scaled(heart_polygon(16, 21.5, 11.5), factor), fill=0)
    alpha = mask.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.Resampling.LANCZOS)
    white = Image.new("L", (OUTLINE_SIZE, OUTLINE_SIZE), 255)
    return Image.merge("RGBA", (white, white, white, alpha))


def draw_icons(out_dir: Path = ICONS_DIR) -> tuple[Path, Path]:
    """Write color.png and outline.png into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    color_path = out_dir / "color.png"
    outline_path = out_dir / "outline.png"
    draw_color_icon().save(color_path, format="PNG", optimize=True)
    draw_outline_icon().save(outline_path, format="PNG", optimize=True)
    return color_path, outline_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else ICONS_DIR
    for path in draw_icons(out_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
