from kg.launch import main

raise SystemExit(main())
