// The smallest Tenon application: print a line and return. main()'s return
// value becomes the exit status the platform reports before powering off.
#include <tn/console.hpp>

int main() {
    tn_printf("Hello from Tenon\n");
    return 0;
}
