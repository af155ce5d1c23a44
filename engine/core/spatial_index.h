#pragma once
// A static R-tree of boxes (Boost.Geometry, packed by bulk loading). Built once, then queried
// from any number of threads: queries do not modify the tree.
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cstdint>
#include <vector>

#include "core/geometry.h"

namespace ntm {

class BoxIndex {
 public:
    BoxIndex() = default;
    // Item i is boxes[i]; empty boxes are left out.
    explicit BoxIndex(const std::vector<Box>& boxes) {
        std::vector<Value> values;
        values.reserve(boxes.size());
        for (std::size_t i = 0; i < boxes.size(); ++i) {
            if (boxes[i].empty) continue;
            values.emplace_back(to_bg(boxes[i]), static_cast<std::uint32_t>(i));
        }
        m_tree = Tree(values.begin(), values.end());
    }

    // Items whose box intersects `box`, in increasing item order (so callers are deterministic).
    std::vector<std::uint32_t> query(const Box& box) const {
        std::vector<std::uint32_t> out;
        if (box.empty) return out;
        std::vector<Value> hits;
        m_tree.query(boost::geometry::index::intersects(to_bg(box)), std::back_inserter(hits));
        out.reserve(hits.size());
        for (const auto& h : hits) out.push_back(h.second);
        std::sort(out.begin(), out.end());
        return out;
    }

    std::size_t size() const { return m_tree.size(); }

 private:
    using BgPoint = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;
    using BgBox = boost::geometry::model::box<BgPoint>;
    using Value = std::pair<BgBox, std::uint32_t>;
    using Tree = boost::geometry::index::rtree<Value, boost::geometry::index::rstar<16>>;

    static BgBox to_bg(const Box& b) {
        return BgBox(BgPoint(b.min_x, b.min_y), BgPoint(b.max_x, b.max_y));
    }

    Tree m_tree;
};

inline Box point_box(const Point& p) {
    Box b;
    b.expand(p);
    return b;
}

}  // namespace ntm
