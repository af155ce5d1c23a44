#pragma once
// Private to geo/: helpers shared by the GDAL-facing sources.
#include "geo/crs.h"

namespace ntm::geo {
Crs crs_from_srs(const void* ogr_spatial_reference);
}  // namespace ntm::geo
