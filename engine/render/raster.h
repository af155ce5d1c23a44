#pragma once
// Decoded pixels of a rendered PNG, for tests and golden-image comparisons without Cairo headers.
#include <string_view>
#include <vector>

#include "render/style.h"

namespace ntm::render {

struct Raster {
    int width = 0;
    int height = 0;
    std::vector<Color> pixels;  // row by row from the top; alpha dropped (renders are opaque)

    Color at(int x, int y) const {
        return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                      static_cast<std::size_t>(x)];
    }
};

// Throws Error(Internal) if the bytes are not a PNG Cairo can read.
Raster decode_png(std::string_view png);

}  // namespace ntm::render
