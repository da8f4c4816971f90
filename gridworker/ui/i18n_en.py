EN: dict = {}
