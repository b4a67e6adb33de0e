// freelunch: checks the theorems of Ren, Li, Liu (arXiv 2410.03810) on concrete instances, in
// exact, MPFR, emulated, fixed-point and interval arithmetic.
#include "cli/app.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app("freelunch: a proof checker for the theory of Mamba and linear attention", "freelunch");
  int exit_code = 0;
  freelunch::cli::add_subcommands(app, exit_code);
  return freelunch::cli::run_app(app, argc, argv, exit_code);
}
