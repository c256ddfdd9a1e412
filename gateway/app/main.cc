// `main` only composes: everything lives in the app library.
#include "gateway/app/cli.h"

int main(int argc, char** argv) { return tributary::app::Main(argc, argv); }
