#include "model/study_area.h"

namespace ntm {

int StudyArea::commune_index(const std::string& code) const {
    const auto it = m_by_code.find(code);
    return it == m_by_code.end() ? -1 : it->second;
}

int StudyArea::find_commune(const std::string& name_or_code) const {
    if (const int c = commune_index(name_or_code); c >= 0) return c;
    for (std::size_t i = 0; i < communes.size(); ++i)
        if (communes[i].name == name_or_code) return static_cast<int>(i);
    return -1;
}

void StudyArea::rebuild_index() {
    m_by_code.clear();
    for (std::size_t i = 0; i < communes.size(); ++i) {
        m_by_code.emplace(communes[i].code, static_cast<int>(i));  // first wins on duplicates
    }
}

}  // namespace ntm
