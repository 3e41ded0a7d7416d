"""reader._hidden_span measures each region where a lattice of holes is hidden by its outer boundary's minimum-area
rectangle (one pass of cv2.findContours), which must be the rectangle of all the region's points: a mask per region
and every point of it (the first way, kept here as the reference) cost 39 ms on a 12-MP photo of panel_02's vent
grille turned 90°. Checked on random hole patterns, regions with holes in them, regions inside other regions'
holes, and regions that only touch the frame's border band."""
import cv2
import numpy as np
import pytest

from webapp.led import reader


def reference_span(far, pitch, inset):
    """The span as first written: each region reaching `inset` inside the frame, measured over all its points."""
    height, width = far.shape
    clear = (far > reader.HOLE_CLEAR * pitch).astype(np.uint8)
    _, labels = cv2.connectedComponents(clear, connectivity=8)
    inside = np.zeros((height, width), bool)
    inside[inset:height - inset, inset:width - inset] = True
    longest = 0.0
    for k in set(np.unique(labels[inside & (clear > 0)]).tolist()) - {0}:
        (_, _), (a, b), _ = cv2.minAreaRect(cv2.findNonZero((labels == k).astype(np.uint8)))
        longest = max(longest, max(a, b) + 2 * (1 - reader.HOLE_CLEAR) * pitch)
    return longest


def far_from(holes):
    """Distances to the nearest hole (0 pixels of `holes`), as _lattice_hidden measures them."""
    return cv2.distanceTransform(holes, cv2.DIST_L2, 3)


@pytest.mark.parametrize("seed", range(300))
def test_random_holes_give_the_span_of_every_point(seed):
    rng = np.random.default_rng(seed)
    height, width = (int(v) for v in rng.integers(30, 260, 2))
    holes = np.ones((height, width), np.uint8)
    count = int(rng.integers(3, 300))
    holes[rng.integers(0, height, count), rng.integers(0, width, count)] = 0
    pitch, inset = float(rng.uniform(1.5, 25)), int(rng.integers(0, 12))
    far = far_from(holes)
    assert reader._hidden_span(far, pitch, inset) == pytest.approx(reference_span(far, pitch, inset), abs=1e-4)


def test_a_region_inside_another_regions_hole_and_one_only_in_the_border_band():
    # A ring of clear points around a ring of holes around a clear island; a clear strip along the top edge only.
    far = np.zeros((120, 160), np.float32)
    cv2.circle(far, (80, 60), 45, 10.0, thickness=8)  # the outer ring: clear
    cv2.circle(far, (80, 60), 12, 10.0, thickness=-1)  # the island inside its hole: clear
    far[0:3, 20:140] = 10.0  # clear only within the border band
    for inset in (0, 5):
        got = reader._hidden_span(far, 2.0, inset)
        assert got == pytest.approx(reference_span(far, 2.0, inset), abs=1e-4)
    # Without the island and the ring, the strip alone: reaching inside only when the band is 0 wide.
    strip = np.zeros_like(far)
    strip[0:3, 20:140] = 10.0
    assert reader._hidden_span(strip, 2.0, 5) == 0.0
    assert reader._hidden_span(strip, 2.0, 0) == pytest.approx(reference_span(strip, 2.0, 0), abs=1e-4)
    assert reader._hidden_span(strip, 2.0, 0) > 100


def test_nothing_hidden_is_no_span():
    assert reader._hidden_span(np.zeros((50, 50), np.float32), 3.0, 2) == 0.0
