# URI with unusual scheme chars
git+ssh://git@example.org/repo.git
