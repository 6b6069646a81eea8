// partcheck entry point; see partcheck.cpp.
#include "partcheck.hpp"

int main(int argc, char** argv) { return partcheck::run(argc, argv, stderr); }
