"""Site geometry: distances to a fence and the Chinese map datums (attendance
check-ins are judged by them: R-ATT-01, R-ATT-04).

Vectors: googollee/eviltransform (WGS-84 -> GCJ-02, used by most
implementations' tests) and wandergis/coordtransform (GCJ-02 <-> BD-09).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postaward.core import geo

METRES_PER_DEGREE = geo.EARTH_RADIUS_M * math.pi / 180  # ~111,195 m

# (wgs lat, wgs lon, gcj lat, gcj lon)
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

china_lon = st.floats(min_value=73.5, max_value=134.7)
china_lat = st.floats(min_value=18.0, max_value=53.5)


# --- haversine -------------------------------------------------------------------------------------


def test_one_degree_of_latitude():
    assert geo.haversine_m(120.0, 30.0, 120.0, 31.0) == pytest.approx(METRES_PER_DEGREE, rel=1e-9)


def test_one_degree_of_longitude_shrinks_with_latitude():
    at_equator = geo.haversine_m(0.0, 0.0, 1.0, 0.0)
    at_60 = geo.haversine_m(0.0, 60.0, 1.0, 60.0)
    assert at_equator == pytest.approx(METRES_PER_DEGREE, rel=1e-9)
    assert at_60 == pytest.approx(METRES_PER_DEGREE / 2, rel=1e-3)


def test_beijing_to_shanghai():
    # Tiananmen (116.3975, 39.9087) to the Bund (121.4903, 31.2397): about 1,067 km
    d = geo.haversine_m(116.3975, 39.9087, 121.4903, 31.2397)
    assert d == pytest.approx(1_067_000, rel=0.005)


@given(lon1=china_lon, lat1=china_lat, lon2=china_lon, lat2=china_lat)
def test_haversine_is_a_symmetric_non_negative_distance(lon1, lat1, lon2, lat2):
    d = geo.haversine_m(lon1, lat1, lon2, lat2)
    assert d >= 0
    assert d == pytest.approx(geo.haversine_m(lon2, lat2, lon1, lat1), abs=1e-6)
    assert geo.haversine_m(lon1, lat1, lon1, lat1) == 0


# --- datums ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_wgs84_to_gcj02_known_vectors(wlat, wlon, glat, glon):
    lon, lat = geo.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_gcj02_to_wgs84_known_vectors_within_a_centimetre(wlat, wlon, glat, glon):
    lon, lat = geo.gcj02_to_wgs84(glon, glat)
    assert geo.haversine_m(lon, lat, wlon, wlat) < 0.01


@given(lon=china_lon, lat=china_lat)
def test_gcj02_round_trip_within_a_centimetre(lon, lat):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert geo.haversine_m(*back, lon, lat) < 0.01


@given(lon=china_lon, lat=china_lat)
def test_the_gcj02_offset_is_a_few_hundred_metres_at_most(lon, lat):
    shifted = geo.wgs84_to_gcj02(lon, lat)
    assert 1 < geo.haversine_m(*shifted, lon, lat) < 1000


def test_outside_china_nothing_is_shifted():
    for lon, lat in [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688)]:
        assert geo.out_of_china(lon, lat)
        assert geo.wgs84_to_gcj02(lon, lat) == (lon, lat)
        assert geo.gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_bd09_known_vectors():
    lon, lat = geo.gcj02_to_bd09(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-9)
    lon, lat = geo.bd09_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-9)


@given(lon=china_lon, lat=china_lat)
def test_bd09_round_trip_within_a_metre(lon, lat):
    back = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(lon, lat))
    assert geo.haversine_m(*back, lon, lat) < 1.0


# --- site fences -----------------------------------------------------------------------------------

CENTRE = (120.87, 30.03)  # the test district's school site


def test_circle_distance_is_zero_inside_and_to_the_rim_outside():
    site = geo.Site.circle(*CENTRE, 200)
    assert site.distance_m(*CENTRE) == 0
    north_150 = (CENTRE[0], CENTRE[1] + 150 / METRES_PER_DEGREE)
    assert site.distance_m(*north_150) == 0
    north_500 = (CENTRE[0], CENTRE[1] + 500 / METRES_PER_DEGREE)
    assert site.distance_m(*north_500) == pytest.approx(300, abs=0.01)


def test_a_circle_needs_a_sane_radius():
    with pytest.raises(ValueError):
        geo.Site.circle(*CENTRE, -1)
    with pytest.raises(ValueError):
        geo.Site.circle(*CENTRE, float("nan"))


def _square(half_m: float) -> list[tuple[float, float]]:
    """A square of side 2*half_m metres around CENTRE, closed ring (lon, lat)."""
    dlat = half_m / METRES_PER_DEGREE
    dlon = half_m / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1])))
    x, y = CENTRE
    return [
        (x - dlon, y - dlat),
        (x + dlon, y - dlat),
        (x + dlon, y + dlat),
        (x - dlon, y + dlat),
        (x - dlon, y - dlat),
    ]


def test_polygon_distance_is_zero_inside_and_on_the_edge():
    site = geo.Site.polygon(_square(100))
    assert site.kind == "polygon"
    assert (site.center_lon, site.center_lat) == pytest.approx(CENTRE, abs=1e-9)
    assert site.distance_m(*CENTRE) == 0
    east_edge = _square(100)[1][0]
    assert site.distance_m(east_edge, CENTRE[1]) == pytest.approx(0, abs=1e-6)


def test_polygon_distance_outside_is_to_the_nearest_edge():
    site = geo.Site.polygon(_square(100))
    dlon_per_m = 1 / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1])))
    east_150 = (CENTRE[0] + 150 * dlon_per_m, CENTRE[1])
    assert site.distance_m(*east_150) == pytest.approx(50, rel=2e-3)
    south_400 = (CENTRE[0], CENTRE[1] - 400 / METRES_PER_DEGREE)
    assert site.distance_m(*south_400) == pytest.approx(300, rel=2e-3)
    # diagonally off a corner: distance to the corner
    corner = _square(100)[2]
    beyond = (corner[0] + 30 * dlon_per_m, corner[1] + 40 / METRES_PER_DEGREE)
    assert site.distance_m(*beyond) == pytest.approx(50, rel=2e-3)


def test_a_concave_site_measures_to_the_real_edge():
    # an L-shaped site: the notch is outside
    x, y = CENTRE
    m = 1 / METRES_PER_DEGREE
    k = 1 / (METRES_PER_DEGREE * math.cos(math.radians(y)))
    ring = [
        (x, y),
        (x + 200 * k, y),
        (x + 200 * k, y + 100 * m),
        (x + 100 * k, y + 100 * m),
        (x + 100 * k, y + 200 * m),
        (x, y + 200 * m),
        (x, y),
    ]
    site = geo.Site.polygon(ring)
    assert site.distance_m(x + 50 * k, y + 150 * m) == 0  # in the upright arm
    # inside the convex hull but outside the site: 60 m from both inner edges
    notch = (x + 160 * k, y + 160 * m)
    assert site.distance_m(*notch) == pytest.approx(60, rel=2e-3)


def test_geojson_round_trip():
    circle = geo.Site.circle(*CENTRE, 250)
    assert geo.Site.from_geojson(circle.to_geojson()) == circle
    square = geo.Site.polygon(_square(80))
    again = geo.Site.from_geojson(square.to_geojson())
    assert len(again.ring) == len(square.ring)
    for got, want in zip(again.ring, square.ring, strict=True):
        assert got == pytest.approx(want, abs=1e-12)
    # a bare geometry with altitudes, as some GPS tools export
    bare = {"type": "Polygon", "coordinates": [[[*p, 12.0] for p in _square(80)]]}
    assert geo.Site.from_geojson(bare).distance_m(*CENTRE) == 0


def test_geojson_point_without_a_radius_is_refused():
    with pytest.raises(ValueError, match="radius"):
        geo.Site.from_geojson(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [*CENTRE]}}
        )
    with pytest.raises(ValueError, match="radius"):
        geo.Site.from_geojson(
            {
                "type": "Feature",
                "properties": None,
                "geometry": {"type": "Point", "coordinates": [*CENTRE]},
            }
        )
