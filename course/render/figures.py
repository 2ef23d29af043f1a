"""Images with captions: an image alone in its paragraph, with a title, becomes a figure.

``![A first-aid kit, open](cpr/kit.png "The kit every car should carry")``
on a line (a paragraph) of its own gives::

    <figure><img alt="A first-aid kit, open" src="cpr/kit.png">
    <figcaption>The kit every car should carry</figcaption></figure>

The alt text says what the image shows (for those who cannot see it); the
caption is read by everyone. An image without a title, or with text beside
it, stays an image in its paragraph.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor


class Figures(Treeprocessor):
    def run(self, root):
        for paragraph in [p for p in root.iter("p") if _lone_titled_image(p)]:
            image = paragraph[0]
            caption = image.attrib.pop("title")
            image.tail = None
            paragraph.tag, paragraph.text = "figure", None
            figcaption = etree.SubElement(paragraph, "figcaption")
            figcaption.text = caption


def _lone_titled_image(paragraph: etree.Element) -> bool:
    if len(paragraph) != 1 or (paragraph.text or "").strip():
        return False
    image = paragraph[0]
    return image.tag == "img" and bool((image.get("title") or "").strip()) and not (image.tail or "").strip()
