"""Result objects: plain, frozen data that outputs read."""
