"""Account logos: a PNG or JPEG image is decoded with Pillow, checked, scaled down to fit and encoded anew, so
what is stored (and printed) is never the bytes that were sent."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from cleverinvo.core.errors import TooLarge, UnsupportedMediaType, ValidationError

MAX_BYTES = 512 * 1024
MAX_SIDE = 1024  # pixels of the longer side once stored: ample for a logo printed a few centimetres wide
MAX_PIXELS = 40_000_000  # decoding more than this is refused before it starts (a small file can hold a huge image)
MEDIA_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True, slots=True)
class EncodedImage:
    media_type: str
    width: int
    height: int
    data: bytes


def reencode(data: bytes, media_type: str | None = None) -> EncodedImage:
    """``data`` decoded and encoded again in its own format, at most ``MAX_SIDE`` pixels on its longer side.
    ``media_type``, when given, is what the sender declared it to be and must match the content."""
    if media_type is not None and media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"Invalid logo: it must be image/png or image/jpeg, not {media_type}", "logo")
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"Invalid logo: it must be at most {MAX_BYTES // 1024} KiB, this one has {len(data):,} bytes", "logo"
        )
    if not data:
        raise ValidationError("Invalid logo: the image is empty", "logo")
    try:
        with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES.values())) as image:
            found = image.format
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
            picture = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise TooLarge(f"Invalid logo: it has more than the {MAX_PIXELS:,} pixels CleverInvo decodes", "logo") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("Invalid logo: it is not a PNG or JPEG image that can be read", "logo") from None
    if media_type is not None and MEDIA_TYPES[media_type] != found:
        raise ValidationError(f"Invalid logo: it was sent as {media_type} but is a {found} image", "logo")
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if found == "PNG":
        keeps_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if keeps_alpha else "RGB")
    else:
        picture = picture.convert("RGB")
    picture.info = {}  # no comment, EXIF, ICC profile or text chunk of the sender's survives
    picture.save(out, found, optimize=True, **({"quality": 90} if found == "JPEG" else {}))
    return EncodedImage(
        media_type="image/png" if found == "PNG" else "image/jpeg",
        width=picture.width,
        height=picture.height,
        data=out.getvalue(),
    )
