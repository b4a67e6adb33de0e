#pragma once
// booktabs tables for papers. Cells are escaped; every table carries a provenance comment and a
// caption line with paper version, tool version, arithmetics, rounding semantics, grid and seed.
#include <string>
#include <vector>

namespace freelunch::output {

struct LatexTable {
  std::string caption;
  std::string label;                       // "tab:l1"
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string provenance;                  // one line, also printed as a table note
  bool on_terminal = false;                // also printed by `freelunch check` (render_text)
  std::string column_spec;                 // tabular columns; empty: one 'l' per header cell

  // The table environment. With `fit_width` a tabular wider than the line is scaled down to the
  // line width (needs \usepackage{graphicx}), as the report does; docs/tables/ keeps it natural.
  std::string render(bool fit_width = false) const;
  // Plain text: aligned columns under the header, for the terminal.
  std::string render_text() const;
};

// Escapes LaTeX's special characters in plain text.
std::string latex_escape(const std::string& text);

}  // namespace freelunch::output
