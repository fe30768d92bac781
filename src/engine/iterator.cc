#include "engine/iterator.h"
