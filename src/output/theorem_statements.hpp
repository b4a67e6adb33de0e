#pragma once
// The statement of each theorem in the checkable form of THEORY.md (claim, construction, what is
// checked), as LaTeX paragraphs for the report. The one-line claims live in the proof registry.
#include <string>

namespace freelunch::output {

// The LaTeX paragraph for a theorem id ("l1", "t1", ...); empty for an unknown id.
std::string theorem_statement(const std::string& id);

}  // namespace freelunch::output
