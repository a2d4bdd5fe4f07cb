"""`python -m fastnlp ...`: the same commands as the `fastnlp` script."""
from .cli import main

if __name__ == "__main__":
    main()
