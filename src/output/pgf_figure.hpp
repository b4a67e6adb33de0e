#pragma once
// Figures for the report: pgfplots axes that read their points from a CSV file written beside
// them, so the numbers of every figure are data a reader can open, re-plot or diff. Each figure
// carries its provenance (paper, tool, arithmetics, rounding semantics, grid, seed) in its
// caption and in the first line of its CSV.
#include <string>
#include <vector>

namespace freelunch::output {

// The points of a figure: one header line, then one line per row. A missing value is "nan",
// which pgfplots skips (so several series with different x share one file).
struct CsvData {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  // "# <provenance>" then the comma-separated header and rows. Cells must not contain commas.
  std::string render(const std::string& provenance) const;
};

// One \addplot: columns x and y of the figure's CSV, or, when `expression` is set, a function
// of x (its domain given in `style`).
struct PgfPlot {
  std::string x, y;
  std::string expression;
  std::string style;   // pgfplots options, e.g. "only marks, mark=*, blue"
  std::string legend;  // LaTeX; empty: no legend entry (the plot is a "forget plot")
};

// A legend entry with no data: explains a mark shared by several series.
struct PgfLegendImage {
  std::string style;
  std::string text;  // LaTeX
};

struct PgfPanel {
  std::vector<std::string> axis_options;  // pgfplots axis options, e.g. "xmode=log"
  std::vector<PgfPlot> plots;
  std::vector<PgfLegendImage> legend_images;  // after the plots' entries
};

struct PgfFigure {
  std::string name;     // file stem: figures/<name>.tex and figures/<name>.csv
  std::string caption;  // LaTeX; the escaped provenance is appended
  std::string provenance;
  CsvData data;
  std::vector<PgfPanel> panels;  // more than one: a group plot, side by side
  std::size_t panels_per_row = 0;  // 0: all panels in one row; else rows of this many

  // The figure environment, reading its points from `csv_path` (relative to the document).
  // Needs \usepackage{pgfplots} and \usepgfplotslibrary{groupplots}.
  std::string render_tex(const std::string& csv_path) const;
};

// A number for a CSV cell: integers below 10^18 in full, zero as "0" (never "-0"), others with 10
// significant digits; "nan" for a
// non-finite value.
std::string csv_number(double x);

}  // namespace freelunch::output
