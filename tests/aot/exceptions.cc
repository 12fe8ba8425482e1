/* C++ exceptions through compiled frames: libgcc's unwinder walks the
 * guest stack (return addresses the compiled code's calls left there),
 * runs destructors on the way and lands in catch blocks in the middle of
 * functions, by register values it sets and a jump; rethrow, catch (...),
 * std::out_of_range from the library, RTTI matching of derived types.
 * Also iostream, std::map, std::sort with a lambda. Output = qemu's. */
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct Tracker {
    static int live;
    std::string name;
    explicit Tracker(std::string n) : name(std::move(n)) { live++; }
    ~Tracker()
    {
        live--;
        std::printf("dtor %s\n", name.c_str());
    }
};
int Tracker::live = 0;

struct MyErr : std::runtime_error {
    int code;
    MyErr(const std::string &w, int c) : std::runtime_error(w), code(c) {}
};

__attribute__((noinline)) static int deep(int n, int throw_at)
{
    Tracker t("d" + std::to_string(n));
    if (n == throw_at) {
        if (n % 3 == 0)
            throw MyErr("myerr at " + std::to_string(n), n);
        if (n % 3 == 1)
            throw std::out_of_range("range " + std::to_string(n));
        throw n;
    }
    if (n == 0)
        return 1;
    return deep(n - 1, throw_at) + 1;
}

__attribute__((noinline)) static long work(int reps)
{
    long sum = 0;
    for (int i = 0; i < reps; i++) {
        try {
            sum += deep(12, i % 14);
        } catch (const MyErr &e) {
            sum += e.code * 100;
        } catch (const std::exception &e) {
            sum += (long)std::string(e.what()).size();
        } catch (int v) {
            sum -= v;
        }
    }
    return sum;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? std::atoi(argv[1]) : 30;
    std::printf("work=%ld live=%d\n", work(reps), Tracker::live);
    {
        std::vector<std::unique_ptr<Tracker>> v;
        for (int i = 0; i < 5; i++)
            v.emplace_back(new Tracker("v" + std::to_string(i)));
        std::map<std::string, int> m;
        std::istringstream in("the quick brown fox jumps over the lazy dog the end");
        std::string w;
        while (in >> w)
            m[w]++;
        for (auto &kv : m)
            std::cout << kv.first << '=' << kv.second << '\n';
        try {
            std::vector<int> x(3);
            x.at(7) = 1;
        } catch (const std::out_of_range &) {
            std::cout << "caught out_of_range\n";
        }
        std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a->name > b->name; });
        for (auto &p : v)
            std::cout << p->name << ' ';
        std::cout << std::endl;
        try {
            throw std::string("rethrow");
        } catch (...) {
            try {
                throw;
            } catch (const std::string &s) {
                std::cout << "again " << s << '\n';
            }
        }
    }
    std::printf("live=%d\n", Tracker::live);
    return Tracker::live;
}
