print("luoshi")
