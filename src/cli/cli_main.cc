// blockdb-cli: placeholder until the admin tool lands.
int main() { return 0; }
