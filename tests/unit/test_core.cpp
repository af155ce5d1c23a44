#include <gtest/gtest.h>

#include "core/geometry.h"
#include "core/rng.h"
#include "core/text.h"

namespace ntm {

TEST(Geometry, LengthAndAreaByHand) {
    LineString l{{{0, 0}, {3, 4}, {3, 10}}};
    EXPECT_DOUBLE_EQ(length(l), 11.0);
    // 10 × 10 square with a 2 × 3 hole, outer clockwise, hole counter-clockwise.
    Polygon p{{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}},
              {{{1, 1}, {3, 1}, {3, 4}, {1, 4}, {1, 1}}}};
    EXPECT_DOUBLE_EQ(area(p), 94.0);
    const Point c = centroid(MultiPolygon{{Polygon{{{0, 0}, {4, 0}, {4, 2}, {0, 2}, {0, 0}}, {}}}});
    EXPECT_DOUBLE_EQ(c.x, 2.0);
    EXPECT_DOUBLE_EQ(c.y, 1.0);
}

TEST(Text, FoldsVietnamese) {
    EXPECT_EQ(fold_token("Trục xã"), "truc_xa");
    EXPECT_EQ(fold_token("  Bê tông "), "be_tong");
    EXPECT_EQ(fold_token("ĐBSH"), "dbsh");
    EXPECT_EQ(fold_token("Ngõ, xóm"), "ngo,_xom");
    EXPECT_EQ(parse_bool("Đạt"), true);
    EXPECT_EQ(parse_bool("không"), false);
    EXPECT_FALSE(parse_bool("maybe").has_value());
    EXPECT_EQ(display_width("Thuần Thiện"), 11u);
}

TEST(Rng, CounterBasedAndUniform) {
    const Rng a(2017), b(2017), c(2018);
    EXPECT_EQ(a.uniform(1, 2, 3, 4), b.uniform(1, 2, 3, 4));
    EXPECT_NE(a.uniform(1, 2, 3, 4), c.uniform(1, 2, 3, 4));
    // Mean and variance of 100k uniforms: 0.5 and 1/12, within 5 standard errors.
    double sum = 0, sum2 = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = a.uniform(9, 0, 0, static_cast<std::uint32_t>(i));
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        sum2 += u * u;
    }
    const double mean = sum / n;
    EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(sum2 / n - mean * mean, 1.0 / 12, 0.002);
}

}  // namespace ntm
