#pragma once
double fpu_test_series(int terms);
void fpu_test_yield();
