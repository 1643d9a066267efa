from kg.warm import main

raise SystemExit(main())
