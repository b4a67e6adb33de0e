// freelunch: checks the theorems of Ren, Li, Liu (arXiv 2410.03810) on concrete instances, in
// exact, MPFR, emulated, fixed-point and interval arithmetic.
#include "cli/app.hpp"

int main(int argc, char** argv) { return freelunch::cli::run_freelunch(argc, argv); }
