--
-- PostgreSQL database dump
--


SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_table_access_method = heap;

--
-- Name: customers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers (
    id text NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: order_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.order_items (
    order_id text NOT NULL,
    product_id text NOT NULL,
    quantity integer NOT NULL,
    unit_price_cents integer NOT NULL
);


--
-- Name: orders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders (
    id text NOT NULL,
    customer_id text NOT NULL,
    status text NOT NULL,
    total_cents integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments (
    id text NOT NULL,
    order_id text NOT NULL,
    provider_ref text,
    amount_cents integer NOT NULL,
    status text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: products; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.products (
    id text NOT NULL,
    sku text NOT NULL,
    name text NOT NULL,
    price_cents integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Data for Name: customers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers (id, email, name, created_at) FROM stdin;
cus_0mm8ey6aod7bff27067ee	shopper-0-0.orion92@example.com	Ashton Reichel	2026-03-02 00:01:00+00
cus_0mm8ezglcf99eb859f43a	shopper-0-1.arthur85@example.com	Hillary Marquardt IV	2026-03-02 00:02:00+00
cus_0mm8f0qw0be9af9612658	shopper-0-2.jamie.lindgren@example.com	Maximus Yundt	2026-03-02 00:03:00+00
cus_0mm8f216ob16134bd1634	shopper-0-3.myah.schmeler49@example.com	Donato Hagenes	2026-03-02 00:04:00+00
cus_0mm8f3bhc505d0c66544e	shopper-0-4.dallas.senger@example.com	Concepcion Hand	2026-03-02 00:05:00+00
cus_0mm8f4ls0a6bc0b025a85	shopper-0-5.darby_frami@example.com	Burdette Jacobs	2026-03-02 00:06:00+00
cus_0mm8f5w2o649dcbbcc968	shopper-0-6.mallie_schneider@example.com	Tillman Gottlieb	2026-03-02 00:07:00+00
cus_0mm8f76dc415d0d122c37	shopper-0-7.thurman_little@example.com	Gabe Willms	2026-03-02 00:08:00+00
cus_0mm8f8go0e66a5a78daa7	shopper-0-8.octavia_stamm@example.com	Mrs. Cecile McLaughlin-Ledner	2026-03-02 00:09:00+00
cus_0mm8f9qyo690d1083d770	shopper-0-9.golden.hackett36@example.com	Adan Hegmann	2026-03-02 00:10:00+00
cus_0mm8hyy5u3391be150734	shopper-1772409600000-1.vesta_ferry5@example.com	Darrel O'Conner	2026-03-02 01:25:34.962+00
cus_0mm8ujqpf7d0bacd6a1e1	shopper-1772409600000-2.cali.mcglynn57@example.com	Luella Rogahn	2026-03-02 07:17:40.467+00
cus_0mm9aloerde78c8a0699c	shopper-1772409600000-0.gunner12@example.com	Mrs. Maida Rohan	2026-03-02 14:47:04.659+00
cus_0mma7td2v5c0ec33970c7	shopper-1772496000000-3.sasha.little97@example.com	Miss Megan Sporer	2026-03-03 06:16:50.551+00
cus_0mma9ql9j385198a863e5	shopper-1772496000000-0.hannah.cole@example.com	Katrine Hamill	2026-03-03 07:10:40.423+00
cus_0mmawcjsm806d881f91b5	shopper-1772496000000-1.marquise.ryan@example.com	Orie Pollich	2026-03-03 17:43:36.502+00
cus_0mmb2e1op387d41fe1e99	shopper-1772496000000-2.daphne83@example.com	Demarcus Kozey	2026-03-03 20:32:44.041+00
cus_0mmb8sn4vcc30db9fdc11	shopper-1772496000000-4.juston93@example.com	Dino Hoeger	2026-03-03 23:32:02.719+00
cus_0mmb9t7qqae7b07ab9331	shopper-1772582400000-8.cindy83@example.com	Christopher Homenick	2026-03-04 00:00:29.042+00
cus_0mmbaao8s4ec94dc44280	shopper-1772582400000-1.glenna.murphy@example.com	Jonatan West	2026-03-04 00:14:03.58+00
cus_0mmbcnmspd4cb9f65eb5f	shopper-1772582400000-4.jerald.johns77@example.com	Kenyon Strosin-Ferry DVM	2026-03-04 01:20:07.465+00
cus_0mmbf70pk29ede7d4301f	shopper-1772582400000-2.anna_wolf83@example.com	Marcel Heaney	2026-03-04 02:31:11.192+00
cus_0mmbjtab0c43d21bff118	shopper-1772582400000-6.gia7@example.com	Mable Walsh	2026-03-04 04:40:28.524+00
cus_0mmc2cnxc7b394ef7c4f7	shopper-1772582400000-5.alf.kunze@example.com	Marlon Bednar	2026-03-04 13:19:25.728+00
cus_0mmc4sh0ydf334f82159f	shopper-1772582400000-3.valentin.terry@example.com	Terrance Sawayn IV	2026-03-04 14:27:42.514+00
cus_0mmcec2o314167fbafeda	shopper-1772582400000-0.rupert_cruickshank42@example.com	Herbert Lockman I	2026-03-04 18:54:53.571+00
cus_0mmcke0aq7e23ae4615e8	shopper-1772582400000-7.karine_reichert@example.com	Jaunita Schneider	2026-03-04 21:44:21.506+00
\.


--
-- Data for Name: order_items; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.order_items (order_id, product_id, quantity, unit_price_cents) FROM stdin;
ord_0mmahragg3ad0e62aec1f	prod_0mm8eww0035d4cc278ef9	2	3089
ord_0mmaslbcod0c2884cafe8	prod_0mm8eww005f74c69e8fcf	2	1543
ord_0mmawxb3ce4f042a11310	prod_0mm8eww005f74c69e8fcf	2	1543
ord_0mmawxb3ce4f042a11310	prod_0mm8eww00a905dd09d3af	1	3821
ord_0mmaxdn203bce72e50ab7	prod_0mm8eww0035d4cc278ef9	3	3089
ord_0mmaxdn203bce72e50ab7	prod_0mm8eww0079157ba8acca	3	2536
ord_0mmaxdn203bce72e50ab7	prod_0mm8eww0092f217787d97	2	5400
ord_0mmb06c2079c2d6ac5831	prod_0mm8eww00d2e6bf796ffb	1	2111
ord_0mmb06c2079c2d6ac5831	prod_0mm8eww00d6e3d303851b	2	16374
ord_0mmbs2g7c4a5716305e78	prod_0mm8eww004bc69087c8dc	2	2417
ord_0mmbs2g7c4a5716305e78	prod_0mm8eww005e2c0702ba7c	2	2250
ord_0mmbs2g7c4a5716305e78	prod_0mm8eww00edfc9e02375f	3	3491
ord_0mmc53pq038627463cebb	prod_0mm8eww0092f217787d97	3	5400
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orders (id, customer_id, status, total_cents, created_at, updated_at) FROM stdin;
ord_0mmahragg3ad0e62aec1f	cus_0mm8f9qyo690d1083d770	paid	6178	2026-03-03 10:55:10+00	2026-03-03 10:55:10+00
ord_0mmaslbcod0c2884cafe8	cus_0mm8f216ob16134bd1634	paid	3086	2026-03-03 15:58:27+00	2026-03-03 15:58:27+00
ord_0mmawxb3ce4f042a11310	cus_0mm8ezglcf99eb859f43a	paid	6907	2026-03-03 17:59:45+00	2026-03-03 17:59:45+00
ord_0mmaxdn203bce72e50ab7	cus_0mm8ujqpf7d0bacd6a1e1	paid	27675	2026-03-03 18:12:27+00	2026-03-03 18:12:27+00
ord_0mmb06c2079c2d6ac5831	cus_0mm8ey6aod7bff27067ee	paid	34859	2026-03-03 19:30:45+00	2026-03-03 19:30:45+00
ord_0mmbs2g7c4a5716305e78	cus_0mm8hyy5u3391be150734	paid	19807	2026-03-04 08:31:33+00	2026-03-04 08:31:33+00
ord_0mmc53pq038627463cebb	cus_0mm9aloerde78c8a0699c	paid	16200	2026-03-04 14:36:27+00	2026-03-04 14:36:27+00
\.


--
-- Data for Name: payments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments (id, order_id, provider_ref, amount_cents, status, created_at) FROM stdin;
pay_0mmahraggacbafedf0d25	ord_0mmahragg3ad0e62aec1f	ch_00b9216e7b938f81	6178	succeeded	2026-03-03 10:55:10+00
pay_0mmaslbco204a6d1304ad	ord_0mmaslbcod0c2884cafe8	ch_752b06dfa7c4a537	3086	succeeded	2026-03-03 15:58:27+00
pay_0mmawxb3c4bcca4aceba9	ord_0mmawxb3ce4f042a11310	ch_27bd73be694f2786	6907	succeeded	2026-03-03 17:59:45+00
pay_0mmaxdn2047f3839592b5	ord_0mmaxdn203bce72e50ab7	ch_1f2764cf2e31e40e	27675	succeeded	2026-03-03 18:12:27+00
pay_0mmb06c202f7809bea082	ord_0mmb06c2079c2d6ac5831	ch_9ea1a1fdff324cb6	34859	succeeded	2026-03-03 19:30:45+00
pay_0mmbs2g7c45c7000e54bc	ord_0mmbs2g7c4a5716305e78	ch_6b22f5103476fe73	19807	succeeded	2026-03-04 08:31:33+00
pay_0mmc53pq0ecef0dbf7a64	ord_0mmc53pq038627463cebb	ch_777c4ac9f36b815e	16200	succeeded	2026-03-04 14:36:27+00
\.


--
-- Data for Name: products; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.products (id, sku, name, price_cents, created_at) FROM stdin;
prod_0mm8eww0035d4cc278ef9	SKU-0002	Product 2	3089	2026-03-02 00:00:00+00
prod_0mm8eww004bc69087c8dc	SKU-0003	Product 3	2417	2026-03-02 00:00:00+00
prod_0mm8eww005e2c0702ba7c	SKU-0012	Product 12	2250	2026-03-02 00:00:00+00
prod_0mm8eww005f74c69e8fcf	SKU-0006	Product 6	1543	2026-03-02 00:00:00+00
prod_0mm8eww0068eec13ae27c	SKU-0007	Product 7	969	2026-03-02 00:00:00+00
prod_0mm8eww0079157ba8acca	SKU-0008	Product 8	2536	2026-03-02 00:00:00+00
prod_0mm8eww0092f217787d97	SKU-0004	Product 4	5400	2026-03-02 00:00:00+00
prod_0mm8eww00a905dd09d3af	SKU-0005	Product 5	3821	2026-03-02 00:00:00+00
prod_0mm8eww00d2e6bf796ffb	SKU-0001	Product 1	2111	2026-03-02 00:00:00+00
prod_0mm8eww00d6e3d303851b	SKU-0011	Product 11	16374	2026-03-02 00:00:00+00
prod_0mm8eww00dbe038927152	SKU-0010	Product 10	1721	2026-03-02 00:00:00+00
prod_0mm8eww00edfc9e02375f	SKU-0009	Product 9	3491	2026-03-02 00:00:00+00
\.


--
-- Name: customers customers_email_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_email_unique UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: order_items order_items_order_id_product_id_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_id_product_id_pk PRIMARY KEY (order_id, product_id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);


--
-- Name: products products_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (id);


--
-- Name: products products_sku_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_sku_unique UNIQUE (sku);


--
-- Name: order_items order_items_order_id_orders_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_id_orders_id_fk FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- Name: order_items order_items_product_id_products_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_product_id_products_id_fk FOREIGN KEY (product_id) REFERENCES public.products(id);


--
-- Name: orders orders_customer_id_customers_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_customers_id_fk FOREIGN KEY (customer_id) REFERENCES public.customers(id);


--
-- Name: payments payments_order_id_orders_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_order_id_orders_id_fk FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- PostgreSQL database dump complete
--
