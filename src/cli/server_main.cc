// blockdb-server: placeholder until the server module lands.
int main() { return 0; }
