#include "model/study_area.h"

namespace ntm {

int StudyArea::commune_index(const std::string& code) const {
    const auto it = m_by_code.find(code);
    return it == m_by_code.end() ? -1 : it->second;
}

void StudyArea::rebuild_index() {
    m_by_code.clear();
    for (std::size_t i = 0; i < communes.size(); ++i) {
        m_by_code.emplace(communes[i].code, static_cast<int>(i));  // first wins on duplicates
    }
}

}  // namespace ntm
