"""Geometry of sites: WGS-84 stored, GCJ-02 / BD-09 converted at the edges.

Coordinates are (longitude, latitude) everywhere, as in GeoJSON and shapely.
Distances are metres on the WGS-84 mean sphere (haversine); polygon distances use
a local equirectangular projection around the point, exact enough (< 0.1 %) for
the few hundred metres of a construction site.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, Polygon, shape

EARTH_RADIUS_M = 6_371_008.8

_A = 6378245.0
_EE = 0.00669342162296594323


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration (error < 1e-7 degrees, about 1 cm)."""
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        if abs(dlon) < 1e-9 and abs(dlat) < 1e-9:
            break
        wlon, wlat = wlon - dlon, wlat - dlat
    return wlon, wlat


_X_PI = math.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


@dataclass(frozen=True)
class Site:
    """A site fence: a circle (centre + radius) or a polygon, WGS-84."""

    kind: str  # "circle" | "polygon"
    center_lon: float
    center_lat: float
    radius_m: float = 0.0
    ring: tuple[tuple[float, float], ...] = ()

    @classmethod
    def circle(cls, lon: float, lat: float, radius_m: float) -> Site:
        if not radius_m >= 0:  # also refuses NaN
            raise ValueError("radius must be >= 0 metres")
        return cls("circle", float(lon), float(lat), float(radius_m))

    @classmethod
    def polygon(cls, ring: list[list[float]] | list[tuple[float, float]]) -> Site:
        pts = tuple((float(p[0]), float(p[1])) for p in ring)  # altitude, if any, ignored
        poly = Polygon(pts)
        c = poly.centroid
        return cls("polygon", c.x, c.y, 0.0, pts)

    @classmethod
    def from_geojson(cls, data: dict[str, Any]) -> Site:
        """A GeoJSON Polygon, or a Point with ``radius`` (metres) in properties."""
        geom = data.get("geometry") or data
        if geom.get("type") == "Point":
            lon, lat = geom["coordinates"][:2]
            radius = (data.get("properties") or {}).get("radius") or data.get("radius")
            if radius is None:
                raise ValueError("a circular site needs properties.radius (metres)")
            return cls.circle(lon, lat, float(radius))
        poly = shape(geom)
        return cls.polygon(list(poly.exterior.coords))

    def distance_m(self, lon: float, lat: float) -> float:
        """Metres from the point to the fence; 0 inside."""
        if self.kind == "circle":
            return max(0.0, haversine_m(lon, lat, self.center_lon, self.center_lat) - self.radius_m)
        # project around the point: x = east metres, y = north metres
        k_lat = math.pi / 180 * EARTH_RADIUS_M
        k_lon = k_lat * math.cos(math.radians(lat))
        ring = [((x - lon) * k_lon, (y - lat) * k_lat) for x, y in self.ring]
        poly = Polygon(ring)
        origin = Point(0.0, 0.0)
        return 0.0 if poly.covers(origin) else float(poly.exterior.distance(origin))

    def to_geojson(self) -> dict[str, Any]:
        if self.kind == "circle":
            return {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [self.center_lon, self.center_lat]},
                "properties": {"radius": self.radius_m},
            }
        return {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [list(map(list, self.ring))]},
            "properties": {},
        }
