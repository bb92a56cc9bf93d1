// Casts whose answers the real __dynamic_cast gives: run with and without the memo
// (tests/test_icarus_cast_cache.py), the two outputs must be the same. The same
// (source type, target type) pair meets objects of many dynamic types, at different
// offsets, failing and succeeding, during construction and after it, so a memo
// keyed on less than the vtable pointer answers some of them wrongly.
#include <dlfcn.h>
#include <cstdio>
#include <cstdlib>
#include <cstddef>

struct A { virtual ~A() {} int a = 1; };
struct B { virtual ~B() {} int b = 2; };
struct C : A, B { int c = 3; };                 // A* -> B*: a cross-cast
struct D : A { int d = 4; };                    // A* -> B*: no B
struct E : B, A { int e = 5; };                 // A* -> B*: B before A, another offset
struct V : virtual A { int v = 6; };
struct W : virtual A { int w = 7; };
struct X : V, W, B { int x = 8; };              // one virtual A; A* -> B*, V*, W*
struct P : A { int p = 9; };
struct Q : A { int q = 10; };
struct Y : P, Q, B { int y = 11; };             // two A subobjects; A* -> B* from each

static long off(const void *from, const void *to) {
    return to ? (long)((const char *)to - (const char *)from) : -1;
}

static void report(const char *what, A *a) {
    std::printf("%s B %ld V %ld W %ld P %ld C %ld\n", what,
                off(a, dynamic_cast<B *>(a)), off(a, dynamic_cast<V *>(a)),
                off(a, dynamic_cast<W *>(a)), off(a, dynamic_cast<P *>(a)),
                off(a, dynamic_cast<C *>(a)));
}

struct Probe : A {                              // casts `this` while a derived one is built
    Probe() { report("in Probe()", this); }
};
struct Built : Probe, B { Built() { report("in Built()", this); } };

int main(int argc, char **argv) {
    long rounds = argc > 1 ? std::atol(argv[1]) : 1000;
    Y y;
    A *objects[] = {new C, new D, new E, new X, new V, new W,
                    static_cast<P *>(&y), static_cast<Q *>(&y), new A};
    const char *names[] = {"C", "D", "E", "X", "V", "W", "Y.P", "Y.Q", "A"};
    const int n = sizeof objects / sizeof objects[0];
    long sum = 0;
    for (long r = 0; r < rounds; r++)            // interleaved: every pair hits each slot
        for (int i = 0; i < n; i++) {
            A *a = objects[(i * 7 + r) % n];
            sum = sum * 31 + off(a, dynamic_cast<B *>(a)) + 3 * off(a, dynamic_cast<V *>(a));
        }
    for (int i = 0; i < n; i++)
        report(names[i], objects[i]);
    Built built;
    report("Built", &built);
    std::printf("checksum %ld\n", sum);
    unsigned long *hits = (unsigned long *)dlsym(RTLD_DEFAULT, "icarus_cast_cache_hits");
    std::fprintf(stderr, "memo hits %ld\n", hits ? (long)*hits : -1L);
    return 0;
}
